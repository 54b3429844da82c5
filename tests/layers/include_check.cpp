// Compiled by tests/layers/layers.cmake with the include path of one layer
// (LAYERS_CHECK_HEADER names the header): an include the layer may make
// compiles, an include across layers fails with "file not found".
#include LAYERS_CHECK_HEADER

int layers_check_anchor();
int layers_check_anchor() { return 0; }
