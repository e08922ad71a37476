// Artillery finds an engine by package name, `artillery-engine-<name>`; `engine: wcs` looks for this one.
// The engine itself ships in wcs-hook-mock, so it is built and tested with the scenarios it runs.
module.exports = require('wcs-hook-mock/artillery').ArtilleryWcsEngine;
