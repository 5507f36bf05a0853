// ECharts with only the parts the console uses (the whole library would triple
// the JavaScript). Add a chart or component here before using it.
import * as echarts from 'echarts/core'
import { BarChart, GraphChart, LineChart, ScatterChart } from 'echarts/charts'
import { GeoComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])
// The maps: resource and communications graphs; the Global Threat Map (geo regions shaded, scatter markers).
echarts.use([GraphChart, ScatterChart, GeoComponent])

export { echarts }
