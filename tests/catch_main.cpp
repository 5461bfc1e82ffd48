// Catch2 v2 ships no main; v3 builds link Catch2::Catch2WithMain instead of this file.
#define CATCH_CONFIG_MAIN
#include "catch.hpp"
