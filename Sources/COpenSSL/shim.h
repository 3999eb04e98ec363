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

#include <string.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/ec.h>

/* A self-signed certificate for `serve --tls-self-signed`: a new P-256 key, the given subject
 * alternative names (`san`, e.g. "IP:127.0.0.1,DNS:localhost"), valid from now for `days`.
 * Writes the certificate and the key as PEM (NUL-terminated, freed with securechat_openssl_free)
 * and the certificate's DER SHA-256 digest to `sha256` (32 bytes). Returns 1 on success. */
static inline int securechat_self_signed(const char *san, long days, char **cert_pem, char **key_pem, unsigned char *sha256) {
    int ok = 0;
    EVP_PKEY *pkey = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    BIO *cb = BIO_new(BIO_s_mem()), *kb = BIO_new(BIO_s_mem());
    X509_EXTENSION *ext = NULL;
    unsigned char serial[16];
    BIGNUM *bn = NULL;
    *cert_pem = NULL; *key_pem = NULL;
    if (pkey == NULL || x == NULL || cb == NULL || kb == NULL) goto done;
    if (getrandom(serial, sizeof serial, 0) != (long)sizeof serial) goto done;
    serial[0] &= 0x7f;
    bn = BN_bin2bn(serial, sizeof serial, NULL);
    if (bn == NULL || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL) goto done;
    if (X509_set_version(x, 2) != 1) goto done;
    if (X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL) goto done;
    if (X509_gmtime_adj(X509_getm_notAfter(x), days * 86400L) == NULL) goto done;
    if (X509_set_pubkey(x, pkey) != 1) goto done;
    X509_NAME *name = X509_get_subject_name(x);
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"securechat relay", -1, -1, 0) != 1) goto done;
    if (X509_set_issuer_name(x, name) != 1) goto done;
    ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san);
    if (ext == NULL || X509_add_ext(x, ext, -1) != 1) goto done;
    if (X509_sign(x, pkey, EVP_sha256()) <= 0) goto done;
    unsigned int len = 32;
    if (X509_digest(x, EVP_sha256(), sha256, &len) != 1 || len != 32) goto done;
    if (PEM_write_bio_X509(cb, x) != 1 || PEM_write_bio_PrivateKey(kb, pkey, NULL, NULL, 0, NULL, NULL) != 1) goto done;
    char *p; long n;
    n = BIO_get_mem_data(cb, &p);
    *cert_pem = OPENSSL_malloc(n + 1);
    if (*cert_pem == NULL) goto done;
    memcpy(*cert_pem, p, n); (*cert_pem)[n] = 0;
    n = BIO_get_mem_data(kb, &p);
    *key_pem = OPENSSL_malloc(n + 1);
    if (*key_pem == NULL) goto done;
    memcpy(*key_pem, p, n); (*key_pem)[n] = 0;
    ok = 1;
done:
    if (!ok) { OPENSSL_free(*cert_pem); OPENSSL_clear_free(*key_pem, *key_pem ? strlen(*key_pem) : 0); *cert_pem = NULL; *key_pem = NULL; }
    X509_EXTENSION_free(ext); BN_free(bn); BIO_free(cb); BIO_free(kb); X509_free(x); EVP_PKEY_free(pkey);
    return ok;
}

/* Frees a NUL-terminated secret after overwriting it. */
static inline void securechat_clear_free(char *p) { if (p != NULL) OPENSSL_clear_free(p, strlen(p)); }

#endif
