"""The installed `rnn-zoo` console script."""

import shutil
import subprocess

import zoo
from tasks.cli import make_parser


def test_rnn_zoo_list_prints_every_model_with_its_description():
    executable = shutil.which("rnn-zoo")
    assert executable, "rnn-zoo is not installed: pip install -e ."
    result = subprocess.run(
        [executable, "list"], capture_output=True, text=True, check=True
    )
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == zoo.list_models()
    for line, name in zip(lines, zoo.list_models(), strict=False):
        assert line.split(maxsplit=1)[1] == zoo.get(name).description


def test_jit_flags_force_xla_and_the_default_lets_the_model_choose():
    parser = make_parser()
    for verb in (["train", "lstm_lm"], ["train", "lstm_classifier"]):
        assert parser.parse_args(verb).jit == "auto"
        assert parser.parse_args([*verb, "--jit"]).jit is True
        assert parser.parse_args([*verb, "--no-jit"]).jit is False
