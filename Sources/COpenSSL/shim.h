#ifndef SECURECHAT_COPENSSL_SHIM_H
#define SECURECHAT_COPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

/* Swift cannot call function-like macros or build OSSL_PARAM arrays with the
 * initialiser macros; these small wrappers do it on the C side. */

static inline void securechat_openssl_free(void *ptr) { OPENSSL_free(ptr); }

/* A keyed HMAC-SHA256 context, or NULL. The key is copied by OpenSSL. */
static inline EVP_MAC_CTX *securechat_hmac_sha256_new(const unsigned char *key, size_t keylen) {
    static const unsigned char empty[1] = {0};
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return NULL;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (ctx == NULL) return NULL;
    char digest[] = "SHA256";
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_MAC_init(ctx, key != NULL ? key : empty, keylen, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* HKDF-Expand (RFC 5869 section 2.3) with SHA-256; returns 1 on success. */
static inline int securechat_hkdf_sha256_expand(const unsigned char *prk, size_t prklen,
                                               const unsigned char *info, size_t infolen,
                                               unsigned char *out, size_t outlen) {
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    int ok = pctx != NULL
        && EVP_PKEY_derive_init(pctx) == 1
        && EVP_PKEY_CTX_set_hkdf_mode(pctx, EVP_PKEY_HKDEF_MODE_EXPAND_ONLY) == 1
        && EVP_PKEY_CTX_set_hkdf_md(pctx, EVP_sha256()) == 1
        && EVP_PKEY_CTX_set1_hkdf_key(pctx, prk, (int)prklen) == 1
        && (infolen == 0 || EVP_PKEY_CTX_add1_hkdf_info(pctx, info, (int)infolen) == 1)
        && EVP_PKEY_derive(pctx, out, &outlen) == 1;
    EVP_PKEY_CTX_free(pctx);
    return ok ? 1 : 0;
}

/* The kernel's CSPRNG (getrandom(2), blocking only until it is first seeded). Used for random
 * bytes instead of RAND_bytes, whose first call initialises OpenSSL's providers and DRBG: about
 * 1.5 ms of a 7 ms `room create`, for bytes the kernel hands out directly. Swift's Glibc module
 * does not export <sys/random.h>. Returns the bytes written or -1 with errno set. */
#include <sys/random.h>
static inline long securechat_getrandom(void *buffer, size_t count) { return (long)getrandom(buffer, count, 0); }

#endif
