/* MedCam libtorch shim: common definitions (status codes, export macro, last error).
 * Every entry point returns an mc_status; on failure the message is kept per thread and read (and cleared)
 * with mc_last_error(). Handles are opaque; each has an explicit free function. */
#ifndef MEDCAM_MC_COMMON_H
#define MEDCAM_MC_COMMON_H

#include <stdint.h>

#if defined(_WIN32)
#define MC_API __declspec(dllexport)
#else
#define MC_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bump when a signature or a struct layout changes; the managed binding refuses a shim of another version. */
#define MC_ABI_VERSION 2

typedef enum mc_status {
    MC_OK = 0,
    MC_ERR_ARGUMENT = 1,      /* null pointer, negative count, buffer too small: a caller bug */
    MC_ERR_MODEL_LOAD = 2,    /* file missing, not TorchScript, corrupt archive */
    MC_ERR_INPUT_SHAPE = 3,   /* shape/length mismatch, zero dimension, or the model rejected the input */
    MC_ERR_UNKNOWN_LAYER = 4, /* no such target layer, or the model exposes none */
    MC_ERR_TARGET = 5,        /* class index out of range, target weights of the wrong shape */
    MC_ERR_DEVICE = 6,        /* unknown device string, CUDA requested but not available */
    MC_ERR_TORCH = 7,         /* any other c10::Error */
    MC_ERR_STD = 8,           /* any other std::exception */
    MC_ERR_UNKNOWN = 9        /* anything else thrown */
} mc_status;

/* The message of the last failure on the calling thread, or NULL. Get-and-reset: the pointer stays valid until
 * the next mc_* call on this thread; a second call returns NULL. UTF-8. */
MC_API const char* mc_last_error(void);

/* MC_ABI_VERSION of this build. */
MC_API int32_t mc_abi_version(void);

#ifdef __cplusplus
}
#endif

#endif
