yibao estimate -t tariffs/liaoning/yingkou-2025.toml -t tests/data/versions/yingkou-2024.toml -c tariffs/catalog/sample-catalog.csv tests/cli/inputs/yingkou-2023.json
