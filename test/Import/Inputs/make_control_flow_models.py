"""Control-flow models beyond ONNX's node tests, written to OUTDIR: If with
a run-time condition whose branches read outer values, If with a constant
condition, a Loop with a constant trip count carrying a state and
stacking a scan output, and a Scan reading its input backwards along axis
1 with its output stacked on axis 1, a Scan whose body returns a node's
optional output (Dropout's mask); and two that qforge rejects (a
run-time If whose branches differ in shape, a Loop whose trip count is
computed at run time).

Usage: make_control_flow_models.py OUTDIR
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT


def vi(name, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, value, dtype=np.float32):
    return helper.make_node("Constant", [], [name],
                            value=numpy_helper.from_array(np.array(value, dtype), name))


def save(outdir, name, nodes, inputs, outputs, init=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(init))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, "%s/%s.onnx" % (outdir, name))


def branch(name, op, out_shape=(2, 3)):
    """x op 2, reading x and the constant from the outer scope."""
    return helper.make_graph([helper.make_node(op, ["x", "two"], [name + "_y"])], name, [],
                             [vi(name + "_y", list(out_shape))])


def main():
    out = sys.argv[1]
    two = numpy_helper.from_array(np.float32(2.0), "two")
    # If on a run-time condition: sum(x) > 0 picks x * 2, else x - 2.
    save(out, "if_runtime", [
        helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
        helper.make_node("Greater", ["s", "zero"], ["c"]),
        helper.make_node("If", ["c"], ["y"], then_branch=branch("then", "Mul"),
                         else_branch=branch("else", "Sub"))],
        [vi("x", [2, 3])], [vi("y", [2, 3])],
        [two, numpy_helper.from_array(np.float32(0.0), "zero")])
    save(out, "if_constant", [
        helper.make_node("If", ["c"], ["y"], then_branch=branch("then", "Mul"),
                         else_branch=branch("else", "Add"))],
        [vi("x", [2, 3])], [vi("y", [2, 3])],
        [two, numpy_helper.from_array(np.array(False), "c")])
    # Loop 4 times: h = tanh(h * w + x), scan output h * 2.
    body = helper.make_graph([
        helper.make_node("Identity", ["cond_in"], ["cond_out"]),
        helper.make_node("Mul", ["h_in", "w"], ["hw"]),
        helper.make_node("Add", ["hw", "x"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["h_out"]),
        helper.make_node("Mul", ["h_out", "two"], ["scan"])],
        "body", [vi("i", [], TensorProto.INT64), vi("cond_in", [], TensorProto.BOOL),
                 vi("h_in", [3])], [vi("cond_out", [], TensorProto.BOOL), vi("h_out", [3]),
                                    vi("scan", [3])])
    save(out, "loop_state_and_scan", [
        helper.make_node("Loop", ["trips", "", "h0"], ["h", "hs"], body=body)],
        [vi("x", [3]), vi("h0", [3])], [vi("h", [3]), vi("hs", [4, 3])],
        [two, numpy_helper.from_array(np.float32([0.5, -0.3, 0.8]), "w"),
         numpy_helper.from_array(np.int64(4), "trips")])
    # Scan over axis 1 of [2, 5], backwards: running max; outputs on axis 1.
    scan_body = helper.make_graph([
        helper.make_node("Max", ["m_in", "v"], ["m_out"]),
        helper.make_node("Sub", ["v", "m_out"], ["gap"])],
        "scan_body", [vi("m_in", [2]), vi("v", [2])], [vi("m_out", [2]), vi("gap", [2])])
    save(out, "scan_reverse_axis1", [
        helper.make_node("Scan", ["m0", "x"], ["m", "gaps"], body=scan_body, num_scan_inputs=1,
                         scan_input_axes=[1], scan_input_directions=[1],
                         scan_output_axes=[1])],
        [vi("m0", [2]), vi("x", [2, 5])], [vi("m", [2]), vi("gaps", [2, 5])])
    # A Scan whose body returns a node's optional output that no node reads
    # (Dropout's mask).
    mask_body = helper.make_graph([
        helper.make_node("Dropout", ["v"], ["d", "mask"]),
        helper.make_node("Add", ["acc_in", "d"], ["acc_out"])],
        "mask_body", [vi("acc_in", [4]), vi("v", [4])],
        [vi("acc_out", [4]), vi("mask", [4], TensorProto.BOOL)])
    save(out, "scan_body_optional_output", [
        helper.make_node("Scan", ["acc0", "x"], ["acc", "masks"], body=mask_body,
                         num_scan_inputs=1)],
        [vi("acc0", [4]), vi("x", [3, 4])],
        [vi("acc", [4]), vi("masks", [3, 4], TensorProto.BOOL)])
    save(out, "if_runtime_shapes_differ", [
        helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
        helper.make_node("Greater", ["s", "zero"], ["c"]),
        helper.make_node("If", ["c"], ["y"], name="choose", then_branch=branch("then", "Mul"),
                         else_branch=helper.make_graph(
                             [helper.make_node("ReduceSum", ["x"], ["e"], keepdims=0)], "else",
                             [], [vi("e", [])]))],
        [vi("x", [2, 3])], [vi("y", None)],
        [two, numpy_helper.from_array(np.float32(0.0), "zero")])
    save(out, "loop_runtime_trips", [
        helper.make_node("Loop", ["n", "", "h0"], ["h", "hs"], name="repeat", body=body)],
        [vi("x", [3]), vi("h0", [3]), vi("n", [], TensorProto.INT64)],
        [vi("h", [3]), vi("hs", [None, 3])],
        [two, numpy_helper.from_array(np.float32([0.5, -0.3, 0.8]), "w")])


if __name__ == "__main__":
    main()
