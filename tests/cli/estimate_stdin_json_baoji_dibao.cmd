yibao estimate -t tariffs/shaanxi/baoji-2025.toml --json - < examples/bills/dibao-shaanxi.json
