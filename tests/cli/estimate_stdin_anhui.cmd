yibao estimate -t tariffs/anhui/anhui-2025.toml - < examples/bills/critical-illness-anhui.json
