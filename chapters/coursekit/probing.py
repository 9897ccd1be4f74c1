"""Arguments described by data, and values turned into safe files and back.

The grader never sends code into the notebook that is being graded. When an
exercise takes a function (an activation, a loss, ``f`` for a numerical
gradient) or a random generator, its test case names a public factory of
``coursekit`` and the numbers to build it from::

    Fn(functions.bowl, scale=[1.0, 2.0], target=[0.5, -1.0])   # a loss_and_grad
    Rng(1234)                                                  # np.random.default_rng(1234)

:func:`materialize` turns such specs into the real objects. :func:`encode`
and :func:`decode` carry arguments and results between processes as JSON plus
NumPy arrays (saved with ``allow_pickle=False``): nothing is ever unpickled.
"""

import importlib
import json
import math
import zipfile

import numpy as np

__all__ = ["Fn", "Rng", "GeneratorState", "materialize", "encode", "decode", "decode_stored", "save", "load",
           "Unreadable"]

#: Factories and drivers may only come from this package.
PACKAGE = "coursekit"
#: Nesting deeper than this is not decoded (a result that deep is not an answer).
MAX_DEPTH = 40


def _qualified_name(func):
    module, name = getattr(func, "__module__", ""), getattr(func, "__qualname__", "")
    if not module.split(".")[0] == PACKAGE or "<" in name:
        raise ValueError(f"{func!r} is not a public function of {PACKAGE}")
    return f"{module}:{name}"


def resolve(qualified):
    """The ``coursekit`` function named ``"module:name"`` (nothing outside ``coursekit``)."""
    module, _, name = str(qualified).partition(":")
    if module.split(".")[0] != PACKAGE or not name or "." in name or name.startswith("_"):
        raise ValueError(f"{qualified!r} does not name a public function of {PACKAGE}")
    return getattr(importlib.import_module(module), name)


class Fn:
    """A function argument: ``factory(**params)`` with ``factory`` a public ``coursekit`` function."""

    def __init__(self, factory, **params):
        self.factory = _qualified_name(factory) if callable(factory) else str(factory)
        self.params = params

    def build(self):
        return resolve(self.factory)(**self.params)

    def __repr__(self):
        return self.factory.split(":")[1]

    def __eq__(self, other):
        return isinstance(other, Fn) and self.factory == other.factory


class Rng:
    """A random generator argument: ``np.random.default_rng(seed)``, made fresh for every call."""

    def __init__(self, seed):
        self.seed = int(seed)

    def build(self):
        return np.random.default_rng(self.seed)

    def __repr__(self):
        return f"np.random.default_rng({self.seed})"

    def __eq__(self, other):
        return isinstance(other, Rng) and self.seed == other.seed


class GeneratorState:
    """A random generator in the middle of its stream, as data: the state of its bit generator.

    A function that receives a generator (``iterate_minibatches(N, B, rng)``)
    is recorded with the state the generator had when it was called, so that
    the call can be made again on a generator in the same state.
    """

    def __init__(self, state):
        self.state = state

    @classmethod
    def of(cls, generator):
        return cls(_plain(generator.bit_generator.state))

    def build(self):
        name = str(self.state.get("bit_generator", "")) if isinstance(self.state, dict) else ""
        if name not in ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"):
            raise ValueError(f"unknown bit generator {name!r}")
        bit_generator = getattr(np.random, name)()
        bit_generator.state = self.state
        return np.random.Generator(bit_generator)

    def __repr__(self):
        return "a random generator"

    def __eq__(self, other):
        return isinstance(other, GeneratorState) and self.state == other.state


def _plain(value):
    """A bit generator's state with NumPy integers and arrays turned into Python ones (for JSON)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    return value


def materialize(value):
    """``value`` with every :class:`Fn`, :class:`Rng` and :class:`GeneratorState` inside
    replaced by a new object it describes."""
    if isinstance(value, (Fn, Rng, GeneratorState)):
        return value.build()
    if isinstance(value, tuple):
        return tuple(materialize(v) for v in value)
    if isinstance(value, list):
        return [materialize(v) for v in value]
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- encoding


class Unreadable(ValueError):
    """Data that does not decode into a value (broken, too deep, or of an unknown kind)."""


def _float(x):
    x = float(x)
    return x if math.isfinite(x) else {"float": repr(x)}


def encode(value, arrays=None, _depth=0):
    """``(tree, arrays)``: a JSON-able tree describing ``value`` and the arrays it refers to.

    Numbers, strings, ``None``, lists, tuples, dicts with string keys, NumPy
    arrays of numbers or booleans and NumPy scalars keep their type through a
    round trip; :class:`Fn` and :class:`Rng` stay specs. Anything else becomes
    ``{"opaque": type name, "repr": short text}``, which :func:`decode` turns
    into an :class:`Opaque` (a result of that kind is reported, not compared).
    """
    arrays = {} if arrays is None else arrays
    if _depth > MAX_DEPTH:
        return {"opaque": "nesting", "repr": "nested too deeply"}, arrays
    if value is None or isinstance(value, (bool, str)):
        return value, arrays
    if isinstance(value, int) and type(value) is int:
        return value, arrays
    if type(value) is float:
        return _float(value), arrays
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biufc" and not value.dtype.hasobject:
            key = f"a{len(arrays)}"
            arrays[key] = np.ascontiguousarray(value)
            return {"array": key}, arrays
        return _opaque(value), arrays
    if isinstance(value, np.generic):
        if value.dtype.kind in "biuf":
            return {"scalar": value.dtype.str, "value": value.item() if value.dtype.kind != "f"
                    else _float(value)}, arrays
        return _opaque(value), arrays
    if isinstance(value, Fn):
        params, arrays = encode(value.params, arrays, _depth + 1)
        return {"fn": value.factory, "params": params}, arrays
    if isinstance(value, Rng):
        return {"rng": value.seed}, arrays
    if isinstance(value, GeneratorState):
        state, arrays = encode(value.state, arrays, _depth + 1)
        return {"generator": state}, arrays
    if type(value) in (list, tuple):
        items = []
        for item in value:
            tree, arrays = encode(item, arrays, _depth + 1)
            items.append(tree)
        return ({"tuple": items} if type(value) is tuple else items), arrays
    if type(value) is dict and all(type(k) is str for k in value):
        items = {}
        for key, item in value.items():
            items[key], arrays = encode(item, arrays, _depth + 1)
        return {"dict": items}, arrays
    return _opaque(value), arrays


class Opaque:
    """A value that could not be sent as data; only its type and a short text survive."""

    def __init__(self, type_name, text):
        self.type_name, self.text = str(type_name)[:80], str(text)[:200]

    def __repr__(self):
        return self.text


def _opaque(value):
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - any object, any repr
        text = f"<{type(value).__name__}>"
    return {"opaque": type(value).__name__, "repr": text[:200]}


def decode(tree, arrays, _depth=0):
    """The value :func:`encode` described; raises :class:`Unreadable` for anything else."""
    if _depth > MAX_DEPTH + 1:
        raise Unreadable("nested too deeply")
    if tree is None or isinstance(tree, (bool, str, int, float)):
        return tree
    if isinstance(tree, list):
        return [decode(item, arrays, _depth + 1) for item in tree]
    if not isinstance(tree, dict) or len(tree) not in (1, 2):
        raise Unreadable(f"unexpected {type(tree).__name__} in the data")
    if "array" in tree:
        if tree["array"] not in arrays:
            raise Unreadable(f"missing array {tree['array']!r}")
        return arrays[tree["array"]]
    if "float" in tree:
        return float(tree["float"]) if tree["float"] in ("nan", "inf", "-inf") else _bad(tree)
    if "scalar" in tree:
        dtype = np.dtype(tree["scalar"])
        if dtype.kind not in "biuf":
            raise Unreadable(f"unexpected scalar type {tree['scalar']!r}")
        value = tree["value"]
        value = decode(value, arrays, _depth + 1) if isinstance(value, dict) else value
        return dtype.type(value)
    if "tuple" in tree and isinstance(tree["tuple"], list):
        return tuple(decode(item, arrays, _depth + 1) for item in tree["tuple"])
    if "dict" in tree and isinstance(tree["dict"], dict):
        return {str(k): decode(v, arrays, _depth + 1) for k, v in tree["dict"].items()}
    if "fn" in tree:
        params = decode(tree.get("params", {"dict": {}}), arrays, _depth + 1)
        spec = Fn(str(tree["fn"]))
        spec.params = params
        return spec
    if "rng" in tree:
        return Rng(tree["rng"])
    if "generator" in tree:
        return GeneratorState(decode(tree["generator"], arrays, _depth + 1))
    if "opaque" in tree:
        return Opaque(tree["opaque"], tree.get("repr", ""))
    return _bad(tree)


def _bad(tree):
    raise Unreadable(f"unexpected entry {sorted(tree)!r} in the data")


def _pack(arrays):
    """Many arrays as a few: one flat array per dtype, and where each array lies in it.

    A recorded run holds thousands of small arrays; an ``.npz`` entry per array
    would make writing and reading them the slowest part of grading.
    """
    groups, sizes, index = {}, {}, {}
    for key, array in arrays.items():
        name = array.dtype.str
        groups.setdefault(name, []).append(array.reshape(-1))
        index[key] = [name, sizes.get(name, 0), list(array.shape)]
        sizes[name] = sizes.get(name, 0) + array.size
    names = sorted(groups)
    packed = {f"g{i}": np.concatenate(groups[name]) for i, name in enumerate(names)}
    return packed, {"dtypes": names, "arrays": index}


def _unpack(packed, index, max_bytes=None):
    """The arrays :func:`_pack` packed; :class:`Unreadable` for an index that does not fit, or
    that describes more than ``max_bytes`` in all (entries may overlap)."""
    if not isinstance(index, dict) or not isinstance(index.get("dtypes"), list) \
            or not isinstance(index.get("arrays"), dict):
        raise Unreadable("malformed array index")
    flats = {}
    for i, name in enumerate(index["dtypes"]):
        flat = packed.get(f"g{i}")
        if flat is None or flat.ndim != 1 or flat.dtype.str != name:
            raise Unreadable(f"missing or mismatched array group {i}")
        flats[name] = flat
    arrays, total = {}, 0
    for key, entry in index["arrays"].items():
        if not (isinstance(entry, list) and len(entry) == 3 and entry[0] in flats
                and type(entry[1]) is int and isinstance(entry[2], list)
                and all(type(n) is int and n >= 0 for n in entry[2])):
            raise Unreadable(f"malformed entry for array {key!r}")
        name, start, shape = entry
        count = math.prod(shape)
        if start < 0 or start + count > flats[name].size:
            raise Unreadable(f"array {key!r} lies outside its group")
        total += count * flats[name].itemsize
        if max_bytes is not None and total > max_bytes:
            raise Unreadable(f"the arrays hold more than {max_bytes} bytes")
        arrays[key] = flats[name][start:start + count].reshape(shape).copy()
    return arrays


def save(path_stem, value):
    """Write ``value`` as ``<stem>.json`` and ``<stem>.npz`` (arrays only, no pickles)."""
    tree, arrays = encode(value)
    packed, index = _pack(arrays)
    np.savez(f"{path_stem}.npz", **packed)
    with open(f"{path_stem}.json", "w") as handle:
        handle.write(json.dumps({"value": tree, "arrays": index}))  # dumps: the C encoder


def decode_stored(stored, packed, max_bytes=None):
    """The value of a file :func:`save` wrote: its JSON (``stored``) and its arrays (``packed``).

    :class:`Unreadable` if they are not of that kind, or if the arrays they
    describe hold more than ``max_bytes``.
    """
    if not isinstance(stored, dict) or set(stored) != {"value", "arrays"}:
        raise Unreadable("not a file written by coursekit.probing.save")
    arrays = _unpack(packed, stored["arrays"], max_bytes)
    try:
        return decode(stored["value"], arrays)
    except RecursionError:
        raise Unreadable("nested too deeply") from None


def load(path_stem, max_bytes=None):
    """Read what :func:`save` wrote; :class:`Unreadable` if it is broken or larger than ``max_bytes``."""
    import os

    try:
        if max_bytes is not None:
            size = os.path.getsize(f"{path_stem}.json") + os.path.getsize(f"{path_stem}.npz")
            if size > max_bytes:
                raise Unreadable(f"{size} bytes, more than the limit of {max_bytes}")
        with open(f"{path_stem}.json") as handle:
            stored = json.load(handle)
        with np.load(f"{path_stem}.npz", allow_pickle=False) as data:
            packed = {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, RecursionError) as error:
        raise Unreadable(f"{type(error).__name__}: {error}") from None
    return decode_stored(stored, packed, max_bytes)


# ---------------------------------------------------------------- the probe (runs in the graded kernel)
#
# The grader writes, for each exercise, ``in/<name>/manifest.json`` (number of
# cases, time limit, the names of the graded functions it builds on) and
# ``in/<name>/<i>.json|.npz`` (the arguments of case i) under $NNFS_PROBE_DIR.
# ``probe(name)`` calls the notebook's function on them in a forked child
# process and writes ``out/<name>/<i>.*`` (what came back, or what was raised,
# and the calls it made to those other functions) and ``out/<name>/status.json``.
# Then, for an exercise built on other functions, a second child forked from
# the kernel makes those calls again and writes their answers to
# ``out/<name>/<i>.verified.*``. It computes no score and knows no expected
# value: the grader, outside this process, does.

import builtins  # noqa: E402
import io  # noqa: E402
import math as _math  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402
import warnings  # noqa: E402


def _snapshot():
    """The attributes of the modules a probe relies on, as they are before any student code runs."""
    names = ["numpy", "numpy.linalg", "numpy.random", "builtins", "math", "os", "json", "io", "time",
             "signal", "zipfile", "types"]
    names += [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]
    return [(sys.modules[name], dict(vars(sys.modules[name]))) for name in names if name in sys.modules]


#: Builtins IPython itself sets around every cell (stdin forwarding, its builtin trap).
_KERNEL_BUILTINS = ("input", "raw_input", "get_ipython", "exit", "quit", "display", "__IPYTHON__")


def _restorer(kernel_builtins, builtins_module, setattr=setattr, vars=vars):
    """``(restore_modules, seal)``: ``seal()`` takes the snapshot that ``restore_modules()`` puts back.

    The restorer holds all it needs itself (the snapshot as a tuple in its
    closure, ``setattr`` and ``vars`` as defaults), so replacing module
    attributes or builtins cannot stop it.
    """
    pristine = ()

    def restore_modules():
        """Undo every change a notebook made to NumPy, the builtins and coursekit; return what was changed."""
        changed = []
        for module, attributes in pristine:
            current = vars(module)
            for key, value in attributes.items():
                if module is builtins_module and key in kernel_builtins:
                    continue
                if current.get(key) is not value:
                    setattr(module, key, value)
                    changed.append(module.__name__ + "." + key)
        return changed

    def seal():
        nonlocal pristine
        pristine = tuple(_snapshot())

    return restore_modules, seal


def _namespace():
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])


def _origin(name, func, namespace):
    """Why ``func`` is not a function written in this notebook, or ``None``."""
    if func is None:
        return "not defined (run its exercise cell, and keep the function's name)"
    if not isinstance(func, types.FunctionType):
        where = getattr(func, "__module__", None) or type(func).__module__
        return f"is a {type(func).__name__} from {where}, not a function written in this notebook"
    if func.__globals__ is not namespace:
        return f"is imported from {func.__module__}, not written in this notebook"
    return None


def _text(error):
    try:
        return str(error)[:300]
    except Exception:  # noqa: BLE001 - a student's exception may break str()
        return "(no message)"


#: Calls to an exercise's parts recorded in one case, at most (a run that makes more is not followed).
MAX_CALLS = 20_000


def _copied(value, depth=0):
    """``value`` as it is now, as data: arrays copied, a random generator as its state."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, np.random.Generator):
        return GeneratorState.of(value)
    if isinstance(value, np.ndarray):
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(_copied(item, depth + 1) for item in value)
    if type(value) is dict:
        return {key: _copied(item, depth + 1) for key, item in value.items()}
    return value


class _Recorder:
    """Records, call by call, what a graded function passes to the other graded functions it uses.

    An exercise that builds on others (``train_mlp`` on ``mlp_loss``, ``predict``
    and the optimizer steps) is graded on how it uses the student's own parts.
    In the probe's child only, each part in the notebook's namespace is
    replaced by a wrapper that notes the part's name and a copy of its
    arguments, then calls the part. The calls of each top-level call of the
    graded function form one segment. Nothing is computed here: the grader
    has the calls made again by a fresh process (:func:`_verify_cases`) and
    judges outside.
    """

    def __init__(self, namespace, parts):
        self.segments = []
        self.count = 0
        for part in parts:
            original = namespace.get(part)
            if isinstance(original, types.FunctionType):
                namespace[part] = self._wrap(part, original)

    def _wrap(self, part, original):
        def recorded(*args, **kwargs):
            if self.segments and self.count < MAX_CALLS:
                self.count += 1
                self.segments[-1].append({"part": part, "args": _copied(args), "kwargs": _copied(kwargs)})
            return original(*args, **kwargs)

        recorded.__name__, recorded.__doc__ = original.__name__, original.__doc__
        return recorded

    def around(self, func):
        def top(*args, **kwargs):
            self.segments.append([])
            return func(*args, **kwargs)

        top.__name__ = getattr(func, "__name__", "the function")
        return top

    def start(self):
        self.segments, self.count = [], 0


def _quiet_child():
    """Set up a forked child: its own process group, no terminal, warnings off."""
    os.setpgid(0, 0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()  # the kernel's streams need its threads
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")


def _run_cases(func, name, folder, count, parts=()):
    """The forked child: call ``func`` on every case, write each outcome, never return."""
    try:
        _quiet_child()
        out = os.path.join(folder, "out", name)
        recorder = _Recorder(func.__globals__, [p for p in parts if p != name]) if parts else None
        for index in range(count):
            case = load(os.path.join(folder, "in", name, str(index)))
            args = materialize(case["args"])
            try:
                driver = resolve(case["driver"]) if case.get("driver") else None
                target = func
                if recorder is not None:
                    recorder.start()
                    target = recorder.around(func)
                result = driver(target, *args) if driver else target(*args)
                record = {"status": "returned", "result": result, "args_after": list(args)}
                if recorder is not None:
                    record["calls"] = recorder.segments
            except BaseException as error:  # noqa: BLE001 - SystemExit, KeyboardInterrupt: all are answers
                record = {"status": "raised", "error": type(error).__name__, "message": _text(error)}
            try:
                save(os.path.join(out, str(index)), record)
            except BaseException as error:  # noqa: BLE001
                save(os.path.join(out, str(index)), {"status": "unsendable", "message": _text(error)})
    finally:
        os._exit(0)


def _generators(value, found=None):
    """The random generators inside ``value`` (arguments), in order."""
    found = [] if found is None else found
    if isinstance(value, np.random.Generator):
        found.append(value)
    elif type(value) in (list, tuple):
        for item in value:
            _generators(item, found)
    elif type(value) is dict:
        for item in value.values():
            _generators(item, found)
    return found


def _recompute(call, namespace):
    """What the notebook's part returns when called as ``call`` records (never raises)."""
    try:
        func = namespace.get(call["part"])
        if not isinstance(func, types.FunctionType):
            return {"status": "missing"}
        args, kwargs = materialize(call["args"]), materialize(call["kwargs"])
        if not isinstance(args, tuple) or not isinstance(kwargs, dict):
            return {"status": "malformed"}
        value = func(*args, **{str(k): v for k, v in kwargs.items()})
        states = [GeneratorState.of(g) for g in _generators((args, kwargs))]
        return {"status": "returned", "result": value, "generators": states}
    except BaseException as error:  # noqa: BLE001 - any answer of the student's code
        return {"status": "raised", "error": type(error).__name__}


def _verify_cases(namespace, name, folder, count):
    """The verifier, forked once the cases' child has ended: make every recorded call of a part
    again with the notebook's own functions, and write what they return; never return.

    The graded function ran in another process, which may have written anything
    into its files; the answers written here come from the parts themselves, so
    the grader relies on these and uses the recorded calls only as questions.
    """
    try:
        _quiet_child()
        for index in range(count):
            stem = os.path.join(folder, "out", name, str(index))
            try:
                outcome = load(stem)
            except Unreadable:
                continue
            if not isinstance(outcome, dict) or outcome.get("status") != "returned":
                continue
            calls = outcome.get("calls")
            if not isinstance(calls, list):
                continue
            answers = [[_recompute(call, namespace) if isinstance(call, dict) else {"status": "malformed"}
                        for call in (segment if isinstance(segment, list) else [])] for segment in calls]
            try:
                save(f"{stem}.verified", answers)
            except BaseException as error:  # noqa: BLE001
                save(f"{stem}.verified", {"status": "unsendable", "message": _text(error)})
    finally:
        os._exit(0)


def _in_own_pid_namespace():
    try:
        with open("/proc/1/comm") as handle:
            return os.environ.get("NNFS_SANDBOX") == "1" and handle.read().strip() == "bwrap"
    except OSError:
        return False


def _parent(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _ancestors(pid):
    """The processes above ``pid`` (the sandbox's own bubblewrap processes among them)."""
    found, pid = set(), _parent(pid)
    while pid > 0 and pid not in found:
        found.add(pid)
        pid = _parent(pid)
    return found


def _kill_strays(child):
    """End the child's process group and, in the sandbox, every process but this kernel."""
    try:
        os.killpg(child, signal.SIGKILL)
    except OSError:
        pass
    if not _in_own_pid_namespace():
        return
    me = os.getpid()
    keep = _ancestors(me) | {me, 1}
    for _ in range(100):
        others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in keep]
        if not others:
            return
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        time.sleep(0.01)


def _wait(child, seconds):
    """``{"exit": ...}`` describing how the child ended; it is killed after ``seconds``."""
    import select

    deadline = time.monotonic() + seconds
    try:
        handle = os.pidfd_open(child)
    except (AttributeError, OSError):
        handle = None
    try:
        while True:
            pid, status = os.waitpid(child, os.WNOHANG)
            if pid:
                if os.WIFSIGNALED(status):
                    return {"exit": "signal", "signal": os.WTERMSIG(status)}
                return {"exit": "code", "code": os.WEXITSTATUS(status)}
            left = deadline - time.monotonic()
            if left <= 0:
                return {"exit": "timeout", "seconds": seconds}
            if handle is not None:
                select.select([handle], [], [], left)  # readable when the child has ended
            else:
                time.sleep(min(left, 0.01))
    finally:
        if handle is not None:
            os.close(handle)
        _kill_strays(child)
        try:
            os.waitpid(child, 0)
        except ChildProcessError:
            pass


def probe(name, namespace=None, folder=None, patched=(), seconds=None):
    """Run the grader's cases of exercise ``name`` on this notebook's function (grading only).

    ``namespace`` defaults to the notebook's, ``folder`` to ``$NNFS_PROBE_DIR``,
    ``seconds`` to the manifest's time limit. Outside grading (no such
    folder) this only says so.
    """
    folder = folder or os.environ.get("NNFS_PROBE_DIR", "")
    manifest_path = os.path.join(folder, "in", name, "manifest.json")
    if not folder or not os.path.isfile(manifest_path):
        print(f"The hidden tests of `{name}` run when the notebook is graded.")
        return
    with open(manifest_path) as handle:
        manifest = json.load(handle)
    namespace = _namespace() if namespace is None else namespace
    func = namespace.get(name)
    status = {"origin": _origin(name, func, namespace), "patched": list(patched)}
    os.makedirs(os.path.join(folder, "out", name), exist_ok=True)
    if status["origin"] is None:
        start = time.monotonic()
        budget = float(seconds if seconds is not None else manifest["seconds"])
        parts = [str(part) for part in manifest.get("parts", [])]
        out = os.path.join(folder, "out", name)
        child = os.fork()
        if child == 0:
            _run_cases(func, name, folder, int(manifest["cases"]), parts)
        status.update(_wait(child, budget))
        if parts:  # every process of the cases has ended (_wait): their records are questions only
            for stale in os.listdir(out):  # nothing but the verifier may write these
                if ".verified." in stale:
                    os.remove(os.path.join(out, stale))
            verifier = os.fork()
            if verifier == 0:
                _verify_cases(namespace, name, folder, int(manifest["cases"]))
            status["verified"] = _wait(verifier, max(2.0, budget - (time.monotonic() - start)))
        status["elapsed"] = round(time.monotonic() - start, 3)
    with open(os.path.join(folder, "out", name, "status.json"), "w") as handle:
        json.dump(status, handle)
    print(f"{name}: probed")


# Taken when this module is imported: the chapter's locked setup cell does that
# before any student code runs (and keeps `probe` and `restore_modules` under
# names of its own). The grader calls `restore_modules` after every cell, so a
# replaced NumPy function or builtin never outlives the cell that replaced it.
_ = _math
restore_modules, _seal = _restorer(_KERNEL_BUILTINS, builtins)


def _guarded(probe, restore):
    def probe_hidden(name, namespace=None, folder=None, seconds=None):
        patched = restore()  # a notebook may have replaced anything, this very module included
        return probe(name, namespace, folder, patched, seconds)

    probe_hidden.__doc__ = probe.__doc__
    return probe_hidden


probe = _guarded(probe, restore_modules)
_seal()
