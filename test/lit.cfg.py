# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QFORGE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qforge_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]

# FileCheck, not and count come from LLVM's tool directory (Debian installs no
# unversioned FileCheck on PATH).
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

config.substitutions.append(("%qforge_src_root", config.qforge_src_root))
config.substitutions.append(("%qforge_obj_root", config.qforge_obj_root))
config.substitutions.append(("%qforge_tools_dir", config.qforge_tools_dir))
# The Python that has the test helpers (numpy, onnx, onnxruntime); lit itself
# may run under another one.
config.substitutions.append(("%qforge_python", config.qforge_python))
# Debian's Python, which has python3-torch and python3-torchvision (model
# export and training).
config.substitutions.append(("%torch_python", "/usr/bin/python3"))

# AArch64 cross-compilation tests need the cross toolchain and qemu-user
# (scripts/bootstrap installs both).
import shutil

# The HTML report is checked in a real browser: Debian's chromium
# (scripts/bootstrap installs it), run headless.
if shutil.which("chromium"):
    config.available_features.add("chromium")
    config.substitutions.append(("%chromium", shutil.which("chromium")))
if shutil.which("aarch64-linux-gnu-gcc") and shutil.which("qemu-aarch64"):
    config.available_features.add("aarch64-cross")

# Tests that run AVX-512 VNNI code need a CPU that has it (the flag Linux
# reports as avx512_vnni), those that run the vpermi2b table lookup one
# with AVX-512 VBMI too (avx512vbmi), those that run the 256-bit
# AVX-VNNI kernels one with AVX-VNNI (avx_vnni), and those that run the
# AVX2 kernels (--target=x86_64) one with AVX2 and FMA, those that run AMX
# tiles one with AMX-INT8 (amx_int8 and amx_tile); elsewhere they are
# reported UNSUPPORTED.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = set()
        for line in cpuinfo:
            if line.startswith("flags"):
                flags.update(line.split())
        if "avx2" in flags and "fma" in flags:
            config.available_features.add("avx2")
        if "avx_vnni" in flags:
            config.available_features.add("avx-vnni")
        if "amx_int8" in flags and "amx_tile" in flags:
            config.available_features.add("amx")
        if "avx512_vnni" in flags:
            config.available_features.add("avx512-vnni")
            if "avx512vbmi" in flags:
                config.available_features.add("avx512-vbmi")
except OSError:
    pass

# The fuzz targets exist in the sanitize preset's build (tools/qforge-fuzz),
# which is also the ASan + UBSan build ("sanitized"): its run checks the
# compiler, so tests leave out there what only re-runs generated code.
if config.qforge_build_fuzzers:
    config.available_features.add("fuzzers")
    config.available_features.add("sanitized")

tool_dirs = [config.qforge_tools_dir, config.llvm_tools_dir]
tools = ["qforge-opt", "qforge", "mlir-translate", "llc"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
