@timeStamps true
@dimensions 2
@classLabel true a b
@data
(2007-01-01 00:00:00,1.5),(2007-01-02,?):(2007-01-01T12:00:00Z,2):b
