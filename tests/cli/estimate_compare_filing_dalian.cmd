yibao estimate -t tariffs/liaoning/dalian-2025.toml -c tariffs/catalog/sample-catalog.csv --compare-filing examples/bills/inpatient-cross-province.json
