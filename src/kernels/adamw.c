// adamw: one AdamW step over a whole parameter block (n floats), decoupled weight decay masked
// per element (decay[i] is 1 or 0: norms and embeddings usually do not decay):
//   g = grad·gradScale;  m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²
//   param -= lr · ( (m/bc1) / (sqrt(v/bc2) + eps) + wd·decay·param )
// bc1 = 1-β1^t and bc2 = 1-β2^t come from the caller. Threads split the elements.
#include "wren.h"

void adamw(float* param, const float* grad, float* m, float* v, const float* decay, int n,
           float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2,
           float gradScale, int tid, int nth) {
  int lo, hi;
  wren_slice(n, 64, tid, nth, &lo, &hi);
  float ib1 = 1.0f / bc1, ib2 = 1.0f / bc2;
  for (int i = lo; i < hi; i++) {
    float g = grad[i] * gradScale;
    float mi = m[i] = beta1 * m[i] + (1.0f - beta1) * g;
    float vi = v[i] = beta2 * v[i] + (1.0f - beta2) * g * g;
    float p = param[i];
    param[i] = p - lr * ((mi * ib1) / (wren_sqrtf(vi * ib2) + eps) + weightDecay * decay[i] * p);
  }
}
