"""The intermediates' label letter never reads like a variable: a variable w (or w_2,
or w1) moves the labels to another letter, and --letter / a problem's letter chooses."""

from __future__ import annotations

import pytest

from adtrace import trace


@pytest.mark.parametrize("name", ["w", "w_2", "w1", "w12"])
def test_a_variable_named_like_the_labels_moves_them(name):
    t = trace(f"{name}*x + b", f"{name}=2,x=3,b=1", check=False)
    assert t.labels.letter == "u"
    assert t.labels.text[-2:] == ["u1", "u2"]


def test_names_that_only_start_with_the_letter_keep_it():
    t = trace("wx*x + weight", "wx=2,x=3,weight=1", check=False)
    assert t.labels.letter == "w"


def test_v_labels_move_from_a_variable_v():
    t = trace("v*x", "v=2,x=3", labels="v", check=False)
    assert t.labels.letter == "w" and t.labels.text == ["w-1", "w0", "w1"]


def test_letter_chooses_and_is_checked(run):
    out = run("forward", "w*x + b", "--at", "w=2,x=3,b=1", "--no-check", "--letter", "q")
    assert "q1 = w * x" in out.stdout
    for bad, says in (("w", "the formula has a variable named w"), ("ww", "one letter")):
        result = run("forward", "w*x + b", "--at", "w=2,x=3,b=1", "--letter", bad)
        assert result.exit_code == 2 and says in result.stderr


def test_a_problem_may_choose_the_letter(run, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('title = "t"\n[[problem]]\nformula = "w*x"\nat = "w=2,x=3"\n'
                    'mode = "forward"\nletter = "z"\n', encoding="utf-8")
    result = run("key", str(path))
    assert result.exit_code == 0, result.stderr
    assert "z1" in result.stdout and "u1" not in result.stdout
    path.write_text('title = "t"\n[[problem]]\nformula = "w*x"\nat = "w=2,x=3"\n'
                    'letter = "zz"\n', encoding="utf-8")
    result = run("key", str(path))
    assert result.exit_code == 2 and "problem 1" in result.stderr and "letter" in result.stderr


@pytest.mark.parametrize("mode,mark", [("forward", "ġamma"), ("reverse", "ḡamma")])
def test_a_long_name_carries_its_dot_or_bar_on_its_first_letter(run, mode, mark):
    out = run(mode, "gamma*nu + x", "--at", "gamma=1.5,nu=2,x=1", "--no-check").stdout
    assert mark in out and "gammā" not in out and "gammȧ" not in out
    assert ("ṅu" if mode == "forward" else "n̄u") in out
    assert ("ẋ" if mode == "forward" else "x̄") in out  # one letter: as before
