yibao simulate --progress never -t tests/data/versions -c tariffs/catalog/sample-catalog.csv tests/cli/inputs/versions.jsonl
