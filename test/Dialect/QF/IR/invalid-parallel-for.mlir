// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @one_bound(%items: i64) {
  // expected-error @+1 {{'qf.parallel_for' op body must take two i64 arguments: the chunk's begin and end}}
  "qf.parallel_for"(%items) ({
  ^bb0(%begin: i64):
    qf.parallel_yield
  }) : (i64) -> ()
  return
}

// -----

func.func @index_bounds(%items: i64) {
  // expected-error @+1 {{'qf.parallel_for' op body must take two i64 arguments: the chunk's begin and end}}
  "qf.parallel_for"(%items) ({
  ^bb0(%begin: index, %end: index):
    qf.parallel_yield
  }) : (i64) -> ()
  return
}

// -----

func.func @no_body(%items: i64) {
  // expected-error @+1 {{'qf.parallel_for' op needs a body}}
  "qf.parallel_for"(%items) ({
  }) : (i64) -> ()
  return
}

// -----

func.func @yield_outside(%items: i64) {
  // expected-error @+1 {{'qf.parallel_yield' op expects parent op 'qf.parallel_for'}}
  qf.parallel_yield
}
