yibao estimate -t tariffs/anhui/anhui-2025.toml -c tests/cli/inputs/bad-catalog.csv examples/bills/critical-illness-anhui.json
