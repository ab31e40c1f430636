"""TfIdfVectorizer and Compress models beyond ONNX's node tests, written to
OUTDIR: TF-IDF and IDF weights with trigrams and skips over a batch of
token rows, and over one row; Compress with a constant condition along an
axis and over the flattened input; and two that qforge rejects (a pool
that ngram_counts does not split into whole grams, a condition that keeps
nothing).

Usage: make_text_models.py OUTDIR
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(outdir, name, node, inputs, output, init=()):
    graph = helper.make_graph([node], name, inputs, [output], list(init))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, "%s/%s.onnx" % (outdir, name))


def tfidf(outdir, name, shape, outputs, **attrs):
    node = helper.make_node("TfIdfVectorizer", ["x"], ["y"], name="tfidf", **attrs)
    out_shape = [outputs] if len(shape) == 1 else [shape[0], outputs]
    save(outdir, name, node, [helper.make_tensor_value_info("x", TensorProto.INT64, shape)],
         helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape))


def compress(outdir, name, shape, condition, out_shape, **attrs):
    node = helper.make_node("Compress", ["x", "c"], ["y"], name="compress", **attrs)
    save(outdir, name, node, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
         helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape),
         [numpy_helper.from_array(np.array(condition, np.bool_), "c")])


def main():
    out = sys.argv[1]
    # Unigrams 3, 5, 7; bigrams (1, 2), (4, 4); trigram (2, 3, 5). Tokens
    # are drawn from 0-9, so every gram has a chance to occur.
    pool = dict(pool_int64s=[3, 5, 7, 1, 2, 4, 4, 2, 3, 5], ngram_counts=[0, 3, 7],
                ngram_indexes=[5, 0, 3, 1, 6, 2], min_gram_length=1, max_gram_length=3,
                max_skip_count=2)
    tfidf(out, "tfidf_weights_batch", [4, 20], 7, mode="TFIDF",
          weights=[0.5, 1.5, 2.0, 0.25, 3.0, 1.0], **pool)
    tfidf(out, "idf_one_row", [30], 7, mode="IDF", weights=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], **pool)
    tfidf(out, "tf_bigrams_only", [3, 16], 7, mode="TF", **dict(pool, min_gram_length=2))
    compress(out, "compress_axis1", [3, 5, 2], [True, False, True, True], [3, 3, 2], axis=1)
    compress(out, "compress_flat", [2, 3], [False, True, False, True, True], [3])
    tfidf(out, "tfidf_bad_counts", [8], 3, mode="TF", pool_int64s=[1, 2, 3],
          ngram_counts=[0, 2], ngram_indexes=[0, 1, 2], max_gram_length=2)
    compress(out, "compress_nothing", [2, 3], [False, False], [0, 3], axis=0)


if __name__ == "__main__":
    main()
