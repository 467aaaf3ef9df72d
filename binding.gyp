{
  "targets": [
    {
      "target_name": "wren_native",
      "sources": [
        "src/kernels/native/addon.c",
        "src/kernels/native/pool.c",
        "src/kernels/matmul.c",
        "src/kernels/rmsnorm.c",
        "src/kernels/rope.c",
        "src/kernels/attention.c",
        "src/kernels/swiglu.c",
        "src/kernels/add.c",
        "src/kernels/embedding.c",
        "src/kernels/softmax.c",
        "src/kernels/argmax.c",
        "src/kernels/matmul_q8_0.c",
        "src/kernels/matmul_q4_0.c",
        "src/kernels/cross_entropy.c",
        "src/kernels/adamw.c",
        "src/kernels/sumsq.c",
        "src/kernels/dropout.c",
        "src/kernels/zero.c"
      ],
      "cflags": ["-O3", "-std=c11", "-fno-math-errno", "-pthread", "<!@(node src/kernels/native/cpu-flags.cjs)"],
      "cflags!": ["-O2", "-O0"],
      "ldflags": ["-pthread"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-std=c11"] }
    }
  ]
}
