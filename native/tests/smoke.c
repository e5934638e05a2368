/* Smoke test of the C API from plain C: values, an error path, autograd, ownership. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dicface_torch.h"

static int failures = 0;
#define CHECK(cond, ...)                      \
  do {                                        \
    if (!(cond)) {                            \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);           \
      fprintf(stderr, "\n");                  \
      failures++;                             \
    }                                         \
  } while (0)

static int ok(dft_error* e) {
  if (e == NULL) return 1;
  fprintf(stderr, "unexpected error: %s\n", dft_error_message(e));
  dft_error_free(e);
  failures++;
  return 0;
}

int main(void) {
  printf("libtorch %s, api %d, cuda %d, threads %d\n", dft_torch_version(), dft_api_version(),
         dft_cuda_is_available(), dft_get_num_threads());
  CHECK(dft_api_version() == DFT_API_VERSION, "api version");

  /* y = sum(conv2d(x, w, pad 1) + x*x) on a 1x1x3x3 input of ones with a 3x3 kernel of ones */
  float ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  int64_t shape[4] = {1, 1, 3, 3};
  dft_tensor *x = NULL, *w = NULL, *conv = NULL, *sq = NULL, *sum = NULL, *y = NULL, *gx = NULL;
  ok(dft_from_host(&x, ones, sizeof ones, shape, 4, DFT_FLOAT32));
  ok(dft_from_host(&w, ones, sizeof ones, shape, 4, DFT_FLOAT32));
  ok(dft_set_requires_grad(x, 1));
  ok(dft_conv2d(DFT_MODE_GRAD, &conv, x, w, NULL, 1, 1, 1, 1, 1, 1));
  ok(dft_binary(DFT_MODE_GRAD, &sq, DFT_MUL, x, x));
  ok(dft_binary(DFT_MODE_GRAD, &sum, DFT_ADD, conv, sq));
  ok(dft_reduce(DFT_MODE_GRAD, &y, DFT_SUM, sum, NULL, 0, 0));
  double value = 0;
  ok(dft_item(y, &value));
  /* conv of ones with pad 1 sums the 3x3 neighbourhood: 4+6+4+6+9+6+4+6+4 = 49, plus 9 */
  CHECK(fabs(value - 58.0) < 1e-5, "y = %f, expected 58", value);
  ok(dft_backward(y, NULL, 0));
  ok(dft_grad(&gx, x));
  float grad[9];
  ok(dft_copy_to_host(gx, grad, sizeof grad));
  /* d/dx: each input pixel feeds as many outputs as its neighbourhood size, plus 2x */
  CHECK(fabs(grad[4] - 11.0f) < 1e-5f && fabs(grad[0] - 6.0f) < 1e-5f, "grad %f %f", grad[4], grad[0]);

  /* error path: a bad matmul returns an error with libtorch's message and leaves out NULL */
  dft_tensor* bad = (dft_tensor*)&failures; /* poison: must be overwritten with NULL */
  dft_error* e = dft_bmm(DFT_MODE_NO_GRAD, &bad, x, w);
  CHECK(e != NULL, "bmm of 4-d tensors must fail");
  CHECK(bad == NULL, "out must be NULL on error");
  if (e) {
    CHECK(strstr(dft_error_message(e), "3D") != NULL || strlen(dft_error_message(e)) > 0, "message");
    printf("expected error: %s\n", dft_error_message(e));
    dft_error_free(e);
  }

  /* as_strided refuses views outside the storage, also where offset + extent overflows int64 */
  {
    int64_t one[1] = {1}, two[1] = {2}, big_stride[1] = {INT64_MAX / 2 + 1};
    int64_t offsets[] = {INT64_MAX, INT64_MAX - 1, 9, -1};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
      dft_tensor* v = NULL;
      dft_error* err = dft_as_strided(DFT_MODE_NO_GRAD, &v, x, one, one, 1, offsets[i]);
      CHECK(err != NULL && v == NULL, "as_strided offset %lld must fail", (long long)offsets[i]);
      dft_error_free(err);
    }
    dft_tensor* v = NULL;
    dft_error* err = dft_as_strided(DFT_MODE_NO_GRAD, &v, x, two, big_stride, 1, 8);
    CHECK(err != NULL && v == NULL, "as_strided with an overflowing extent must fail");
    dft_error_free(err);
    int64_t huge[2] = {INT64_MAX / 2, 4};
    err = dft_empty(&v, huge, 2, DFT_FLOAT32, DFT_CPU, 0);
    CHECK(err != NULL && v == NULL, "empty with an overflowing byte size must fail");
    dft_error_free(err);
    ok(dft_as_strided(DFT_MODE_NO_GRAD, &v, x, one, one, 1, 8));
    dft_tensor_free(v);
  }

  dft_tensor* all[] = {x, w, conv, sq, sum, y, gx};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) dft_tensor_free(all[i]);
  CHECK(dft_live_tensors() == 0, "live tensors %lld", (long long)dft_live_tensors());

  if (failures == 0) printf("smoke test passed\n");
  return failures == 0 ? 0 : 1;
}
