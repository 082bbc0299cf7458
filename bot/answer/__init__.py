"""The answer engine: question → retrieval → (LLM tool loop | extractive) → verified Answer."""
from .engine import Engine

__all__ = ["Engine"]
