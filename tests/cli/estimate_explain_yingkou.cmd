yibao estimate -t tariffs/liaoning/yingkou-2025.toml -c tariffs/catalog/sample-catalog.csv --explain examples/bills/outpatient-yingkou.json
