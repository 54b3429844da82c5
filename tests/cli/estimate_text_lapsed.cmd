yibao estimate -t tariffs/sichuan/neijiang-2025.toml tests/cli/inputs/lapsed.json
