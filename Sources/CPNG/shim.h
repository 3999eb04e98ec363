#ifndef SECURECHAT_CPNG_SHIM_H
#define SECURECHAT_CPNG_SHIM_H
#include <png.h>
/* PNG_IMAGE_ROW_STRIDE and friends are macros; the simplified API is all we use. */
static inline int securechat_png_image_version(void) { return PNG_IMAGE_VERSION; }
#endif
