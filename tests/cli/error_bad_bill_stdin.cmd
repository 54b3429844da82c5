yibao estimate -t tariffs/anhui/anhui-2025.toml - < tests/cli/inputs/truncated.json
