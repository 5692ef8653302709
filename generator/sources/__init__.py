"""site.toml, content files and data/ read into validated, frozen objects."""
