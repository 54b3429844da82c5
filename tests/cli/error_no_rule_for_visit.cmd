yibao estimate -t tariffs/liaoning/yingkou-2025.toml tests/cli/inputs/inpatient-yingkou.json
