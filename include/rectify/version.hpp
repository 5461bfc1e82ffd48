#pragma once

#define RECTIFY_VERSION_MAJOR 0
#define RECTIFY_VERSION_MINOR 1
#define RECTIFY_VERSION_PATCH 0

// One integer for comparisons in preprocessor conditions: 1.2.3 -> 10203.
#define RECTIFY_VERSION \
  (RECTIFY_VERSION_MAJOR * 10000 + RECTIFY_VERSION_MINOR * 100 + RECTIFY_VERSION_PATCH)
