"""Physical constants as quantities, Brian2's ``brian2.units.constants`` (CODATA 2014 values).

Not part of ``from brianjit import *``; import them by name, e.g.
``from brianjit.units.constants import faraday_constant as F``.

==================== ======================= =============================================
constant             name                    value
==================== ======================= =============================================
Avogadro constant    ``avogadro_constant``   6.022140857e23 mol^-1
Boltzmann constant   ``boltzmann_constant``  1.38064852e-23 J K^-1
electric constant    ``electric_constant``   8.854187817e-12 F m^-1
electron mass        ``electron_mass``       9.10938356e-31 kg
elementary charge    ``elementary_charge``   1.6021766208e-19 C
Faraday constant     ``faraday_constant``    96485.33289 C mol^-1
gas constant         ``gas_constant``        8.3144598 J mol^-1 K^-1
magnetic constant    ``magnetic_constant``   4 pi 1e-7 N A^-2
molar mass constant  ``molar_mass_constant`` 1e-3 kg mol^-1
0 °C                 ``zero_celsius``        273.15 K
==================== ======================= =============================================
"""
import math

from .allunits import amp, coulomb, farad, gram, joule, kelvin, kilogram, meter, mole, newton
from .unit import defining_units

__all__ = ["avogadro_constant", "boltzmann_constant", "electric_constant", "electron_mass",
           "elementary_charge", "faraday_constant", "gas_constant", "magnetic_constant",
           "molar_mass_constant", "zero_celsius"]

with defining_units():  # the compound units below are not the user's, so not shown in prints
    avogadro_constant = 6.022140857e23 / mole
    boltzmann_constant = 1.38064852e-23 * joule / kelvin
    electric_constant = 8.854187817e-12 * farad / meter
    electron_mass = 9.10938356e-31 * kilogram
    elementary_charge = 1.6021766208e-19 * coulomb
    faraday_constant = 96485.33289 * coulomb / mole
    gas_constant = 8.3144598 * joule / mole / kelvin
    magnetic_constant = 4 * math.pi * 1e-7 * newton / amp ** 2
    molar_mass_constant = 1 * gram / mole
    zero_celsius = 273.15 * kelvin
