yibao estimate -t tariffs/anhui/anhui-2025.toml -c tariffs/catalog/sample-catalog.csv tests/cli/inputs/unknown-code.json
