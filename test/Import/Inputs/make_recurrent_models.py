"""Recurrent models beyond ONNX's twelve node tests, written to OUTDIR, with
random weights: bidirectional LSTM with peepholes, initial states and
sequence lengths; GRU with linear_before_reset, reverse, clip; RNN with
parameterized activations; an LSTM whose weights are graph inputs; two
streaming LSTMs whose initial states are graph inputs, of 3 steps and of
any number (onnxruntime has no batch-first layout: ONNX's node tests
cover it); and
three that qforge rejects (LSTM input_forget, an unknown activation, W of
the wrong shape).

Usage: make_recurrent_models.py OUTDIR
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(7)
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}


def weights(name, shape):
    return numpy_helper.from_array(RNG.uniform(-0.6, 0.6, shape).astype(np.float32), name)


def save(outdir, name, op, steps, batch, inputs, hidden, directions=1, lengths=None,
         initial=False, peepholes=False, runtime_weights=False, w_rows=None,
         state_inputs=False, **attrs):
    gates = GATES[op]
    batch_first = attrs.get("layout", 0) == 1
    x_shape = [batch, steps, inputs] if batch_first else [steps, batch, inputs]
    graph_inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)]
    init = []
    w = weights("w", [directions, w_rows or gates * hidden, inputs])
    r = weights("r", [directions, gates * hidden, hidden])
    if runtime_weights:
        graph_inputs += [helper.make_tensor_value_info(t.name, TensorProto.FLOAT, t.dims)
                         for t in (w, r)]
    else:
        init += [w, r]
    names = ["x", "w", "r", "b", "", "", "", ""]
    init.append(weights("b", [directions, 2 * gates * hidden]))
    if lengths is not None:
        init.append(numpy_helper.from_array(np.int32(lengths), "lengths"))
        names[4] = "lengths"
    state = [batch, directions, hidden] if batch_first else [directions, batch, hidden]
    if initial:
        states = [weights("h0", state)] + ([weights("c0", state)] if op == "LSTM" else [])
        if state_inputs:  # a streaming model: the caller passes the state in
            graph_inputs += [helper.make_tensor_value_info(t.name, TensorProto.FLOAT, state)
                             for t in states]
        else:
            init += states
        names[5:5 + len(states)] = [t.name for t in states]
    if peepholes:
        init.append(weights("p", [directions, 3 * hidden]))
        names[7] = "p"
    while names[-1] == "":
        names.pop()
    outputs = ["y", "y_h"] + (["y_c"] if op == "LSTM" else [])
    y_shape = ([batch, steps, directions, hidden] if batch_first
               else [steps, directions, batch, hidden])
    node = helper.make_node(op, names, outputs, name="cell", hidden_size=hidden, **attrs)
    graph = helper.make_graph(
        [node], name, graph_inputs,
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)] +
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, state) for o in outputs[1:]],
        init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.save(model, "%s/%s.onnx" % (outdir, name))


def main():
    out = sys.argv[1]
    save(out, "lstm_bidirectional", "LSTM", 5, 2, 3, 4, directions=2, lengths=[5, 3],
         initial=True, peepholes=True, direction="bidirectional")
    save(out, "lstm_runtime_weights_clip", "LSTM", 4, 3, 5, 6, runtime_weights=True, clip=0.8)
    save(out, "gru_linear_before_reset", "GRU", 6, 2, 3, 5, directions=2, lengths=[2, 6],
         initial=True, linear_before_reset=1, direction="bidirectional")
    save(out, "gru_reverse_clip", "GRU", 4, 3, 2, 3, initial=True, direction="reverse",
         clip=0.5)
    save(out, "rnn_activations", "RNN", 5, 2, 4, 3, directions=2, lengths=[4, 1],
         direction="bidirectional", activations=["LeakyRelu", "ScaledTanh"],
         activation_alpha=[0.2, 0.9], activation_beta=[1.3])
    save(out, "lstm_streaming", "LSTM", 3, 1, 2, 4, initial=True, state_inputs=True)
    # Any number of steps (a symbolic T): the reference runs a whole
    # sequence, qforge chunks of it with the state carried between calls.
    save(out, "lstm_streaming_any_length", "LSTM", "T", 1, 2, 4, initial=True,
         state_inputs=True)
    save(out, "lstm_input_forget", "LSTM", 2, 1, 2, 2, input_forget=1)
    save(out, "rnn_unknown_activation", "RNN", 2, 1, 2, 2, activations=["Swish"])
    save(out, "gru_bad_weights", "GRU", 2, 1, 2, 2, w_rows=5)


if __name__ == "__main__":
    main()
