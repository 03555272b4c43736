"""Model language: parsing strings to sympy, equations, dimension checking, integration methods."""
