await GauntletCommand.runMain()
