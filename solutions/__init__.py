"""Reference solutions of the graded functions, chapter by chapter.

Every graded function is self-contained (NumPy, builtins and graded functions of
its own chapter; chapter 8 also uses those of chapters 5-7), so that its source
can be copied verbatim into a student notebook.
"""

from . import (
    ch1_linear,
    ch2_hidden_layers,
    ch3_activations,
    ch4_xor_backprop,
    ch5_modules,
    ch6_softmax,
    ch7_optimizers,
    ch8_training,
    ch9_training_well,
)
from .ch1_linear import *
from .ch2_hidden_layers import *
from .ch3_activations import *
from .ch4_xor_backprop import *
from .ch5_modules import *
from .ch6_softmax import *
from .ch7_optimizers import *
from .ch8_training import *
from .ch9_training_well import *

__all__ = (
    ch1_linear.__all__
    + ch2_hidden_layers.__all__
    + ch3_activations.__all__
    + ch4_xor_backprop.__all__
    + ch5_modules.__all__
    + ch6_softmax.__all__
    + ch7_optimizers.__all__
    + ch8_training.__all__
    + ch9_training_well.__all__
)
