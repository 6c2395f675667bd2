/**
 * A panel target for Grafana's MySQL data source (MariaDB and SingleStore both speak it).
 * The foundation SDK ships builders for many data sources but not this one: this is the
 * SDK's documented way to add a query type, a Dataquery variant and a builder for it.
 */
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

export interface MySqlQuery {
  refId: string;
  hide?: boolean;
  datasource?: DataSourceRef;
  rawSql: string;
  /** Rows as a table frame: what stat, table, bar chart and geomap panels read. */
  format: 'table';
  /** The SQL is used as written, not rebuilt from the visual query builder. */
  rawQuery: true;
  editorMode: 'code';
  /** Marks this type as a Dataquery for the SDK; a function, so JSON leaves it out. */
  _implementsDataqueryVariant(): void;
}

export class MySqlQueryBuilder implements Builder<Dataquery> {
  private readonly internal: MySqlQuery;

  constructor(rawSql: string) {
    this.internal = {
      refId: 'A',
      datasource: undefined,
      rawSql,
      format: 'table',
      rawQuery: true,
      editorMode: 'code',
      _implementsDataqueryVariant() {},
    };
  }

  build(): MySqlQuery {
    return this.internal;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  datasource(datasource: DataSourceRef): this {
    this.internal.datasource = datasource;
    return this;
  }

  hide(hide: boolean): this {
    this.internal.hide = hide;
    return this;
  }
}
