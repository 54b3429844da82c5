yibao estimate -t tariffs/anhui/anhui-2025.toml -c tests/cli/inputs/no-such-catalog.csv examples/bills/critical-illness-anhui.json
