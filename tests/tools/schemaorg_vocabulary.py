"""Reduce a schema.org release file to the vocabulary tests/schemaorg.py checks against.

Usage: python tests/tools/schemaorg_vocabulary.py schemaorg-current-https.jsonld VERSION
writes tests/schemas/schemaorg-VERSION.json.
"""

import json
import sys
from pathlib import Path


def _names(value) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return sorted(v["@id"].removeprefix("schema:") for v in values)


def reduce(graph: list[dict]) -> tuple[dict, dict]:
    types, properties = {}, {}
    for node in graph:
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if not node["@id"].startswith("schema:"):
            continue
        name = node["@id"].removeprefix("schema:")
        if "rdfs:Class" in kinds:
            types[name] = _names(node.get("rdfs:subClassOf"))
        if "rdf:Property" in kinds:
            properties[name] = _names(node.get("schema:domainIncludes"))
    return types, properties


def main() -> None:
    release, version = Path(sys.argv[1]), sys.argv[2]
    types, properties = reduce(json.loads(release.read_text(encoding="utf-8"))["@graph"])
    target = Path(__file__).parent.parent / "schemas" / f"schemaorg-{version}.json"
    target.write_text(json.dumps({"version": version, "types": types, "properties": properties},
                                 sort_keys=True, separators=(",", ":")), encoding="utf-8")


if __name__ == "__main__":
    main()
