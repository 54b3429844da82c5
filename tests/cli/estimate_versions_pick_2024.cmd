yibao estimate -t tariffs/liaoning/yingkou-2025.toml -t tests/data/versions/yingkou-2024.toml -c tariffs/catalog/sample-catalog.csv --json tests/cli/inputs/yingkou-2024.json
