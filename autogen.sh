#!/bin/sh
# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
# Regenerate the build system from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
autoreconf --install --force --warnings=all
