yibao simulate --sort --sort-memory 1 --progress never --tariff tests/data/bulk/tariff.toml tests/cli/inputs/unsorted.csv
