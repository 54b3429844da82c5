yibao estimate -t tariffs/anhui/no-such-tariff.toml examples/bills/critical-illness-anhui.json
