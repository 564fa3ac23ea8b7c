"""kemiskinan — from BDT/PBDT 2015, MPM 2018 and KKS files to poverty briefings for Kota Bontang."""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("kemiskinan")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
