yibao estimate -t tariffs/sichuan/leshan-2025.toml -c tariffs/catalog/sample-catalog.csv --json examples/bills/chd-child-leshan.json
