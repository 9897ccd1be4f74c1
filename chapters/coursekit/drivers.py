"""Scenarios that call a function several times and report what happened as plain data.

An optimizer's step function is only right if it is right *step after step*:
the state it returns (a velocity, a running average, Adam's moments) is handed
back to it on the next call. :func:`run_optimizer` plays the caller: it runs
``num_steps`` steps on a gradient, carries the state from each call into the
next, and returns the whole trajectory. :func:`run_epochs` does the same for a
function that cuts one epoch into minibatches.

Both pass the function fresh copies of every array and compare the copies
afterwards, so a function that changes its inputs in place is reported (as
data, under ``"modified"``) instead of silently corrupting the run, which
goes on with what the function returned. Nothing here solves an exercise;
the notebooks use these drivers to draw trajectories, and the grader uses them
to compare your functions with the course's.
"""

import numpy as np

__all__ = ["run_optimizer", "run_epochs"]


def _name(func):
    return getattr(func, "__name__", "the step function")


def _kind_of(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def _as_float_array(value):
    """``value`` as a float64 array, or ``None`` if it does not hold numbers."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return None
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def run_optimizer(step, gradient, w0, num_steps, hyper=(), state=(), t=None):
    """Run ``num_steps`` steps of an optimizer's step function, carrying its state.

    Each step evaluates ``g = gradient(w)`` at the current point and calls::

        step(w, g, *state_arrays, *hyper)          # t is None
        step(w, g, *state_arrays, t_k, *hyper)     # t given: t_k = t, t + 1, ...

    with copies of the arrays. Without state, ``step`` returns the new ``w``;
    with state it returns the tuple ``(w_new, *new_state_arrays)``, and those
    new arrays are what the next call receives.

    Parameters
    ----------
    step : callable
        e.g. ``sgd_step``, ``momentum_step`` or ``adam_step``.
    gradient : callable
        ``w -> grad``, a NumPy array shaped like ``w``.
    w0 : ndarray
        Starting point (any shape); it is not modified.
    num_steps : int
        Number of calls, ≥ 0.
    hyper : tuple
        The arguments after the state (and after ``t``), in the order of the
        step function's signature, e.g. ``(lr, gamma)``. Arguments left out
        keep the step function's defaults.
    state : tuple of (name, ndarray)
        The initial state, in the order of the signature, e.g.
        ``(("velocity", np.zeros_like(w0)),)``; empty for plain SGD.
    t : int or None
        The number of the first step for step functions that take a step
        counter (Adam: 1 for a fresh start); ``None`` for the others.

    Returns
    -------
    run : dict
        ``"w"``: array of shape ``(k + 1,) + w0.shape``, the starting point
        and the point after each of the ``k`` completed steps;
        ``"state"``: dict name -> array of the same layout, the state before
        the first step and after each step;
        ``"steps"``: ``k``, equal to ``num_steps`` unless the run stopped;
        ``"problem"``: ``None``, or a sentence saying why the run stopped
        early (a result of the wrong kind or shape);
        ``"kind"``: ``None``, or one of ``"not a tuple"``, ``"wrong length"``,
        ``"not numbers"``, ``"wrong shape"``;
        ``"modified"``: the names of the arguments some step changed in place
        (empty if none did; the run goes on with what the step returned).
    """
    w = np.array(w0, dtype=float)
    names = [str(name) for name, _ in state]
    current = [np.array(value, dtype=float) for _, value in state]
    path = [w.copy()]
    history = {name: [value.copy()] for name, value in zip(names, current)}
    problem = kind = None
    modified = []
    expected = "the new w" if not names else "the tuple (w_new, " + ", ".join(f"{n}_new" for n in names) + ")"
    for k in range(int(num_steps)):
        g = np.array(gradient(w), dtype=float)
        inputs = [w, g] + current
        given = [value.copy() for value in inputs]
        counter = () if t is None else (int(t) + k,)
        result = step(*given[:2], *given[2:], *counter, *hyper)
        changed = [name for name, before, after in zip(["w", "grad"] + names, inputs, given)
                   if not (before.shape == after.shape and np.array_equal(before, after, equal_nan=True))]
        modified += [name for name in changed if name not in modified]
        if names:
            if not isinstance(result, (tuple, list)):
                kind = "not a tuple"
                problem = f"step {k + 1}: {_name(step)} returned {_kind_of(result)}; it must return {expected}"
                break
            if len(result) != len(names) + 1:
                kind = "wrong length"
                problem = (f"step {k + 1}: {_name(step)} returned {len(result)} items; "
                           f"it must return {expected}")
                break
            parts = list(result)
        else:
            parts = [result]
        arrays = [_as_float_array(part) for part in parts]
        labels = ["w_new"] + [f"{name}_new" for name in names]
        bad = [label for label, array in zip(labels, arrays) if array is None]
        if bad:
            kind = "not numbers"
            problem = f"step {k + 1}: {_name(step)} returned something that is not numbers as {bad[0]}"
            break
        wrong = [(label, array.shape) for label, array in zip(labels, arrays) if array.shape != w.shape]
        if wrong:
            kind = "wrong shape"
            label, shape = wrong[0]
            problem = (f"step {k + 1}: {_name(step)} returned {label} of shape {shape}; "
                       f"it must have the shape of w, {w.shape}")
            break
        w, current = arrays[0], arrays[1:]
        path.append(w.copy())
        for name, value in zip(names, current):
            history[name].append(value.copy())
    return {
        "w": np.array(path),
        "state": {name: np.array(values) for name, values in history.items()},
        "steps": len(path) - 1,
        "problem": problem,
        "kind": kind,
        "modified": modified,
    }


def _epoch(func, num_samples, batch_size, rng):
    """One call of ``func``; ``(batches, problem)`` with each batch an array (or the problem)."""
    result = func(num_samples, batch_size, rng)
    if isinstance(result, np.ndarray) and result.ndim == 1:
        return None, f"returned one flat array of shape {result.shape}; it must return a list of index arrays"
    try:
        items = list(result)
    except TypeError:
        return None, f"returned {_kind_of(result)}; it must return a list of index arrays"
    batches = []
    for i, item in enumerate(items):
        try:
            batch = np.asarray(item)
        except (TypeError, ValueError):
            return None, f"batch {i} is {_kind_of(item)}, not an array of indices"
        if batch.dtype.kind not in "iufb" or batch.ndim != 1:
            return None, f"batch {i} is {_kind_of(batch)} of dtype {batch.dtype}, not a 1-D array of indices"
        batches.append(batch)
    return batches, None


def run_epochs(func, num_samples, batch_size, rng, rng_same_seed, rng_other_seed, num_epochs):
    """Call ``func(num_samples, batch_size, rng)`` for several epochs and report the batches.

    ``func`` cuts one epoch into minibatches (``iterate_minibatches``). It is
    called ``num_epochs`` times with the same generator ``rng`` (a new epoch
    each time), then once with ``rng_same_seed`` (a fresh generator with the
    seed of ``rng``) and once with ``rng_other_seed`` (another seed). A
    correct function gives every epoch a new order, the same first epoch for
    the same seed, and another one for another seed.

    Returns
    -------
    run : dict
        ``"epochs"``: list of ``num_epochs`` lists of batches (1-D arrays);
        ``"same_seed"``, ``"other_seed"``: the batches of the two extra calls;
        ``"problem"``: ``None``, or a sentence if a result was not a list of
        1-D index arrays (the lists are then empty from there on).
    """
    run = {"epochs": [], "same_seed": [], "other_seed": [], "problem": None}
    for _ in range(int(num_epochs)):
        batches, problem = _epoch(func, num_samples, batch_size, rng)
        if problem:
            run["problem"] = problem
            return run
        run["epochs"].append(batches)
    for key, generator in (("same_seed", rng_same_seed), ("other_seed", rng_other_seed)):
        batches, problem = _epoch(func, num_samples, batch_size, generator)
        if problem:
            run["problem"] = problem
            return run
        run[key] = batches
    return run
