"""`newsgen import`: bring an old CMS's archive into a site (WordPress exports, JSON Lines)."""
