import { describe, expect, it } from 'vitest';
import { privilegesBeyondSelect } from './grafana-user.js';

describe('privilegesBeyondSelect (SHOW GRANTS lines)', () => {
  it('accepts USAGE and SELECT on the kit database, as MariaDB prints them', () => {
    expect(
      privilegesBeyondSelect(["GRANT USAGE ON *.* TO `grafana_reader`@`%` IDENTIFIED BY PASSWORD '*ABC'", 'GRANT SELECT ON `donations`.* TO `grafana_reader`@`%`'], 'donations'),
    ).toEqual([]);
  });

  it("accepts SingleStore's per_privilege rows: a TRANSFERABLE row that transfers nothing", () => {
    expect(
      privilegesBeyondSelect(["GRANT SELECT ON `donations`.* TO 'grafana_reader'@'%'", "GRANT TRANSFERABLE USAGE ON *.* TO 'grafana_reader'@'%'"], 'donations'),
    ).toEqual([]);
  });

  it('reports a transferable privilege, like WITH GRANT OPTION: the user could pass it on', () => {
    expect(privilegesBeyondSelect(["GRANT TRANSFERABLE SELECT ON `donations`.* TO 'grafana_reader'@'%'"], 'donations')).toEqual(['TRANSFERABLE SELECT ON donations.*']);
    expect(privilegesBeyondSelect(["GRANT SELECT ON `donations`.* TO 'grafana_reader'@'%' WITH GRANT OPTION"], 'donations')).toEqual(['GRANT OPTION ON donations.*']);
  });

  it('reports every privilege beyond SELECT, and SELECT elsewhere', () => {
    expect(
      privilegesBeyondSelect(
        ["GRANT TRANSFERABLE INSERT, SELECT ON `donations`.* TO 'grafana_reader'@'%'", "GRANT SELECT ON *.* TO 'grafana_reader'@'%'", "GRANT `admin` TO 'grafana_reader'@'%'"],
        'donations',
      ),
    ).toEqual(['INSERT, SELECT ON donations.*', 'TRANSFERABLE INSERT, SELECT ON donations.*', 'SELECT ON *.*', 'a role or proxy grant']);
  });

  it("accepts SELECT on another checkout's database, still read-only, but not on a system schema", () => {
    expect(privilegesBeyondSelect(['GRANT SELECT ON `donations`.* TO `grafana_reader`@`%`', 'GRANT SELECT ON `kit_test_lab`.* TO `grafana_reader`@`%`'], 'donations')).toEqual([]);
    expect(privilegesBeyondSelect(['GRANT SELECT ON `mysql`.* TO `grafana_reader`@`%`'], 'donations')).toEqual(['SELECT ON mysql.*']);
    expect(privilegesBeyondSelect(['GRANT SELECT ON `kit_test_lab`.`secrets` TO `grafana_reader`@`%`'], 'donations')).toEqual([]);
  });
});
