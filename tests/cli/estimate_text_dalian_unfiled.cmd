yibao estimate -t tariffs/liaoning/dalian-2025.toml -c tariffs/catalog/sample-catalog.csv examples/bills/inpatient-cross-province.json
