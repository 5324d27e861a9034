"""FiPy electro-thermal continuum models of Mott threshold switches."""
