yibao estimate -t tests/cli/inputs/bad-tariff.toml examples/bills/critical-illness-anhui.json
