#ifndef SECURECHAT_CQRENCODE_SHIM_H
#define SECURECHAT_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
