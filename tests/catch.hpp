#pragma once
// Catch2 v2 (Debian 12) and v3 (upstream) name their headers differently.
#if defined(RECTIFY_CATCH2_V3)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
